// A kernel module whose every task ends its worker thread, as a crash would (test/engine/faults.test.ts).
export async function runTask() {
  process.exit(3);
}
