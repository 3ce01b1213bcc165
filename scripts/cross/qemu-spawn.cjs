// scripts/cross/qemu-spawn.cjs -- preloaded (node -r) into a foreign node binary that
// runs under qemu user-mode emulation (npm run test:arm64). qemu-user runs one process;
// an execve of the arm64 node would reach the host kernel, which cannot run it (no
// binfmt_misc registration here). Every spawn of process.execPath (vitest's forks, the
// tests' child processes) is therefore rewritten into `qemu -L sysroot node ...args`.
// AK_QEMU and AK_QEMU_SYSROOT come from the runner, and NODE_OPTIONS carries this
// preload into the children.
'use strict';
const cp = require('node:child_process');

const qemu = process.env.AK_QEMU;
const sysroot = process.env.AK_QEMU_SYSROOT;
if (qemu && sysroot) {
  const self = process.execPath;
  const isSelf = (f) => f === self || f === 'node' || f === process.argv0;
  // All asynchronous spawns (spawn, fork, exec, execFile) end in ChildProcess#spawn.
  const spawn = cp.ChildProcess.prototype.spawn;
  cp.ChildProcess.prototype.spawn = function (options) {
    if (options && isSelf(options.file)) {
      options = { ...options, file: qemu, args: [qemu, '-L', sysroot, self, ...options.args.slice(1)] };
    }
    return spawn.call(this, options);
  };
  // The synchronous ones call an internal binding directly: wrap the exported entries.
  for (const name of ['spawnSync', 'execFileSync']) {
    const orig = cp[name];
    cp[name] = function (file, args, options) {
      if (isSelf(file)) {
        if (!Array.isArray(args)) {
          options = args;
          args = [];
        }
        return orig.call(this, qemu, ['-L', sysroot, self, ...args], options);
      }
      return orig.apply(this, arguments);
    };
  }
}
