import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

/**
 * The vote page on a slow network (issue 16): its first script and its styles are written into
 * the HTML, so that the participants show after one round trip, not two; the human check
 * (src/check.ts, the ALTCHA widget) and the worker it starts are fetched at once, with the HTML's
 * head, instead of one after the other. The inlined script's imports are made absolute (the page
 * is served at / and at /p/{id}).
 */
function inlineVotePage(): Plugin {
  return {
    name: 'paredao-inline-vote-page',
    apply: 'build',
    enforce: 'post',
    // After Vite's own plugins have finished the chunks' code: on the files written.
    writeBundle(options, bundle) {
      const dir = options.dir ?? 'dist';
      const page = bundle['index.html'];
      if (!page || page.type !== 'asset') return;
      let html = readFileSync(join(dir, 'index.html'), 'utf8');
      const absolute = (code: string) => code.replace(/(["'`])\.\/([\w.-]+\.(?:js|css))\1/g, '$1/assets/$2$1');
      const script = /<script type="module" crossorigin src="\/(assets\/index-[\w-]+\.js)"><\/script>/.exec(html);
      if (!script) throw new Error('index.html: no entry script to inline');
      const entry = bundle[script[1]];
      if (!entry || entry.type !== 'chunk') throw new Error(`no chunk ${script[1]}`);
      const code = absolute(entry.code);
      // Written as it is into the HTML: nothing in it may end the element or start a comment.
      if (/<!--|<\/?script/i.test(code)) throw new Error(`${script[1]} contains <!-- or <script: it cannot be inlined`);
      // The script goes before the data the server writes (the boot marker): a module script
      // runs once the whole page is parsed, data included, and the part before the marker is
      // the part the server compresses once (boot_data.hpp).
      const marker = '<!--paredao-boot-->';
      if (!html.includes(marker)) throw new Error('index.html: no boot marker');
      html = html.replace(script[0], () => '');
      html = html.replace(marker, () => `<script type="module">${code}</script>\n    ${marker}`);
      if (!html.includes(code)) throw new Error('index.html: the entry script was not inlined');
      rmSync(join(dir, script[1]));
      for (const [, href] of html.matchAll(/<link rel="stylesheet" crossorigin href="\/(assets\/[\w-]+\.css)">/g)) {
        const css = bundle[href];
        if (!css || css.type !== 'asset') continue;
        const styles = String(css.source);
        if (/<\/style/i.test(styles)) throw new Error(`${href} contains </style: it cannot be inlined`);
        html = html.replace(`<link rel="stylesheet" crossorigin href="/${href}">`, () => `<style>${styles}</style>`);
        rmSync(join(dir, href));
      }
      for (const out of Object.values(bundle)) {
        if (out.type === 'chunk' && out.fileName !== script[1] && out.imports.includes(script[1])) {
          throw new Error(`${out.fileName} imports the inlined ${script[1]}: make it import nothing of the page`);
        }
      }
      const hints: string[] = [];
      for (const out of Object.values(bundle)) {
        if (out.type === 'chunk' && out.facadeModuleId?.endsWith('/src/check.ts')) {
          hints.push(`<link rel="modulepreload" crossorigin href="/${out.fileName}">`);
        } else if (/(^|\/)scrypt_worker-[^/]*\.js$/.test(out.fileName)) {
          hints.push(`<link rel="prefetch" href="/${out.fileName}">`);
        }
      }
      html = html.replace('</head>', () => `  ${hints.join('\n    ')}\n  </head>`);
      writeFileSync(join(dir, 'index.html'), html);
    },
  };
}

// Two builds (package.json's "build"): the vote page (the default mode) and the production
// console (--mode admin). Apart, so that the vote page's first script holds everything it needs
// (nothing shared with the console to fetch before it can run) and can be written into its HTML.
export default defineConfig(({ mode }) => ({
  base: '/',
  plugins: mode === 'admin' ? [] : [inlineVotePage()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    // The vote page's build runs first and starts from an empty dist/; the console's adds to it.
    emptyOutDir: mode !== 'admin',
    target: 'es2022',
    sourcemap: false,
    rollupOptions: {
      input: (mode === 'admin' ? { admin: 'admin.html' } : { index: 'index.html' }) as Record<string, string>,
    },
    // The vote page's HTML preloads what its script imports (inlineVotePage); Vite's own helper
    // would only do it later, from the script.
    modulePreload: false,
  },
  server: {
    // `npm run dev` proxies the API to a locally running `paredao serve` (default listen address).
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
}));
