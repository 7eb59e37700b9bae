// Checks a network typed by the producer before it goes to the server (which checks it again and
// has the last word): `address/prefix` or a bare address (that address alone), IPv4 or IPv6.
// Returns a pt-BR message, or null when valid.

function ipv4(address: string): boolean {
  const parts = address.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

function ipv6(address: string): boolean {
  if (!address.includes(':') || !/^[0-9a-f:.]+$/i.test(address)) return false;
  try {
    new URL(`http://[${address}]/`); // the browser's own IPv6 parser
    return true;
  } catch {
    return false;
  }
}

export function cidrProblem(text: string): string | null {
  const value = text.trim();
  if (!value) return 'Escreva a rede que quer vigiar, por exemplo 203.0.113.0/24.';
  const slash = value.indexOf('/');
  const address = slash < 0 ? value : value.slice(0, slash);
  const v4 = ipv4(address);
  if (!v4 && !ipv6(address)) {
    return `“${address}” não é um endereço IPv4 nem IPv6. Escreva a rede como endereço/prefixo, por exemplo 203.0.113.0/24 ou 2001:db8::/48.`;
  }
  if (slash < 0) return null; // a bare address is the network of that address alone
  const prefix = value.slice(slash + 1);
  const max = v4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) {
    return `O prefixo de uma rede ${v4 ? 'IPv4' : 'IPv6'} é um número de 0 a ${max} (depois da barra).`;
  }
  return null;
}
