// Friendly pt-BR messages for the API's stable error codes.
import type { ApiError } from './api';

export const MSG = {
  closed: 'A votação deste paredão está encerrada.',
  notStarted: 'A votação deste paredão ainda não começou.',
  hiddenPartials: 'O resultado parcial deste paredão só será divulgado no encerramento.',
  busy: 'Serviço ocupado, tente novamente.',
  notFound: 'Paredão não encontrado.',
  network: 'Sem conexão com o servidor. Verifique sua internet e tente novamente.',
  humanCheck: 'Não foi possível confirmar que você é humano. Tente a verificação de novo.',
  checkFailed: 'Não foi possível concluir a verificação. Tente novamente.',
} as const;

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

export function messageFor(err: ApiError): string {
  switch (err.code) {
    case 'poll_not_open':
      return MSG.closed;
    case 'not_found':
      return MSG.notFound;
    case 'unknown_candidate':
      return 'Este participante não está neste paredão. Atualize a página e escolha de novo.';
    case 'human_check_failed':
      return MSG.humanCheck;
    case 'rate_limited':
    case 'unavailable':
      return MSG.busy;
    case 'results_hidden':
      return MSG.hiddenPartials;
    case 'network':
      return MSG.network;
    case 'internal':
      return 'Algo deu errado do nosso lado e o seu voto não foi contado. Tente novamente.';
    case 'invalid_json':
    case 'invalid_request':
    case 'payload_too_large':
    case 'unsupported_media_type':
    case 'malformed_request':
      return 'Não foi possível enviar o seu voto. Atualize a página e tente novamente.';
    default:
      return 'Algo deu errado. Tente novamente.';
  }
}
