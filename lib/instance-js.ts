/** The pure-JS API instance behind `activation-kernels/js`: never loads the addon. */
import { createApi, type Api } from './api/index';
import { createJsBackend } from './backend/js';

export const api: Api = createApi(createJsBackend(null));
