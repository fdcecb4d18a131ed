/**
 * Where `npm start` writes the environment the CLI needs to reach it (`. .local/env.sh` in
 * another terminal), anew at every start, and removes it when it stops. `.local/` is ignored by
 * git and Biome: what the walk-through writes (a task result, a password file) goes there too.
 */
export const ENVIRONMENT_FILE = '.local/env.sh';
