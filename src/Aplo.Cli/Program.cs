using System.Text;
using Aplo.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

// Console.Out flushes every 256 characters, which is ~100,000 writes for the 24 MiB of `topology info --json` at
// 10,000 volumes. A 64 KiB buffer, still flushed after each write call, keeps line-by-line output prompt.
await using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 64 * 1024) { AutoFlush = true };
return await CliApp.RunAsync(args, stdout, Console.Error, CliEnvironment.FromProcess(), cancel.Token);
