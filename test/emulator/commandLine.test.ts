import { describe, expect, it } from "vitest";
import { cannotListen } from "../../emulators/shared/commandLine.ts";

/** The error Node's `server.listen` emits, as it builds it (errno exception with the address tried). */
function listenError(code: string, port: number): NodeJS.ErrnoException {
  return Object.assign(new Error(`listen ${code}: 127.0.0.1:${port}`), {
    code,
    syscall: "listen",
    address: "127.0.0.1",
    port,
  });
}

describe("the emulators' one line for a port they cannot listen on", () => {
  // A busy port is tested end to end (test/emulator/emulatorCommand.test.ts); these two cannot be caused
  // from a test that runs as root on a loopback address.
  it("says a privileged port needs another choice", () => {
    expect(cannotListen(listenError("EACCES", 80), 80)).toBe(
      "port 80 on 127.0.0.1 may not be listened on by this user (ports below 1024 need privileges): choose one above 1023 with --port <p>, or 0 for a free one.",
    );
  });

  it("says the address is not this machine's", () => {
    expect(cannotListen(listenError("EADDRNOTAVAIL", 4010), 4010)).toBe(
      "127.0.0.1 is not an address of this machine, so port 4010 on 127.0.0.1 cannot be listened on: check that the loopback interface is up.",
    );
  });

  it("leaves errors that are not about listening to the caller", () => {
    expect(cannotListen(new Error("seed pages[0]: bad"), 4010)).toBeUndefined();
  });
});
