// The page's words, in one voice: every outcome says whether the vote counted and what happens
// next (or what to do). pt-BR; the API's stable error codes pick the message.
import type { ApiError } from './api';

export const MSG = {
  closed: 'A votação deste paredão está encerrada.',
  notStarted: 'A votação deste paredão ainda não começou.',
  hiddenPartials: 'O resultado parcial deste paredão só será divulgado no encerramento.',
  notFound: 'Paredão não encontrado.',
  network: 'Sem conexão com o servidor. Confira sua internet e tente de novo.',
  checkFailed: 'A verificação automática não terminou, e nenhum voto foi contado. Toque em “Tentar de novo”: ela recomeça na hora.',
  humanCheck: 'A verificação automática não foi aceita, e seu voto não foi contado. Toque em “Tentar de novo”: uma nova começa na hora.',
  waitingOpen: 'Esta página abre a votação sozinha, segundos depois de o apresentador chamar. Não precisa atualizar.',
} as const;

/** The status line under the participants, before and while a vote goes out. */
export function statusText(o: { name: string; submitting: boolean; solving: boolean; ready: boolean }): string {
  if (o.submitting) return `Registrando seu voto para eliminar ${o.name}…`;
  if (o.name && o.solving) return `Seu voto para eliminar ${o.name} sai assim que a verificação automática terminar…`;
  if (o.name) return `Seu voto para eliminar ${o.name} sai assim que a verificação automática recomeçar.`;
  if (o.ready) return 'Tudo pronto: toque em quem você quer eliminar.';
  if (o.solving) return 'Verificação automática anti-robô em andamento. Já pode escolher.';
  return 'Toque em quem você quer eliminar.';
}

/** A vote refused by a closing that came first. */
export function notCountedClosed(name: string): string {
  return `Seu voto para eliminar ${name} não foi contado: a votação foi encerrada antes de ele chegar.`;
}

/**
 * A vote the server could not take now (429 or 503): it was not counted, its check is still good,
 * and the page sends it again by itself once the server's Retry-After has passed.
 */
export function resendingMessage(code: 'rate_limited' | 'unavailable', name: string, seconds: number): string {
  const why = code === 'rate_limited'
    ? 'Muitos votos seguidos saindo da sua rede agora.'
    : 'O serviço está ocupado agora.';
  const when = seconds <= 1 ? 'em instantes' : `em ${seconds} segundos`;
  return `${why} Seu voto para ${name} ainda não foi contado e será reenviado automaticamente ${when}.`;
}

/** A check refused for the same reasons: a new one starts by itself after the wait. */
export function recheckMessage(code: 'rate_limited' | 'unavailable', seconds: number): string {
  const why = code === 'rate_limited'
    ? 'Muitos pedidos seguidos saindo da sua rede agora.'
    : 'O serviço está ocupado agora.';
  const when = seconds <= 1 ? 'em instantes' : `em ${seconds} segundos`;
  return `${why} A verificação recomeça automaticamente ${when}.`;
}

/** After the page's own waits: the viewer decides when to try again. */
export function busyMessage(name: string): string {
  return name
    ? `O serviço continua ocupado. Seu voto para ${name} ainda não foi contado: tente de novo daqui a pouco.`
    : 'O serviço continua ocupado. Nenhum voto foi contado: tente de novo daqui a pouco.';
}

/** What a refused request means for the vote; `fromVote`: the vote itself was sent. */
export function messageFor(err: ApiError, fromVote = false): string {
  switch (err.code) {
    case 'poll_not_open':
      return MSG.closed;
    case 'not_found':
      return MSG.notFound;
    case 'unknown_candidate':
      return 'Este participante não está mais neste paredão, e o voto não foi contado. Atualize a página e escolha de novo.';
    case 'human_check_failed':
      return MSG.humanCheck;
    case 'rate_limited':
    case 'unavailable':
      return busyMessage('');
    case 'results_hidden':
      return MSG.hiddenPartials;
    case 'network':
      // Sent but unanswered: it may have arrived; say so rather than promise either way.
      return fromVote
        ? 'A conexão caiu antes da resposta: este voto pode não ter sido contado. Confira sua internet e toque em “Tentar de novo”.'
        : MSG.network;
    case 'internal':
      // A gateway's 502 or 504 may come after the vote was recorded: say so, as for a lost
      // connection. Paredão itself answers 500 only for what it did not count.
      if (fromVote && (err.status === 502 || err.status === 504)) {
        return 'A resposta não chegou: este voto pode não ter sido contado. Toque em “Tentar de novo”.';
      }
      return 'Algo deu errado do nosso lado, e o voto não foi contado. Tente de novo.';
    case 'invalid_json':
    case 'invalid_request':
    case 'payload_too_large':
    case 'unsupported_media_type':
    case 'malformed_request':
      return 'Não foi possível enviar o voto, e ele não foi contado. Atualize a página e tente de novo.';
    default:
      return 'Algo deu errado, e o voto não foi contado. Tente de novo.';
  }
}
