/**
 * Everything on stdin, read as a stream. A synchronous read of fd 0 fails with EAGAIN when the pipe
 * is non-blocking (npm leaves it so) and the writer has not written yet: `pulumi stack output | npm
 * run verify` starts both at once, and a fast command reads first.
 */
export async function readStdin(): Promise<string> {
    let text = "";
    process.stdin.setEncoding("utf8");
    for await (const chunk of process.stdin) text += chunk;
    return text;
}
