/** The pure-JS API instance behind `activation-kernels/js`: never loads the addon. */
import { createApi, type Api } from './api';
import { createJsBackend } from './backend';

export const api: Api = createApi(createJsBackend(null));
