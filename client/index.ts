export {
  type DecryptOptions,
  decryptTaskCredentials,
  type TaskCredentials,
} from './task-credentials.js';
