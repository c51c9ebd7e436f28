using System.Diagnostics;
using Aplo.Core.Execution;

namespace Aplo.Executors.Transports;

/// <summary>
/// Runs commands on this machine with <c>/bin/bash -c</c>, whatever the host name says: for tests and for a
/// single-host setup where Aplo runs on the storage node itself.
/// </summary>
public sealed class LocalTransport(TimeProvider? time = null) : ICommandTransport
{
    private readonly TimeProvider time = time ?? TimeProvider.System;

    public async Task<CommandResult> RunAsync(string host, string command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var start = new ProcessStartInfo("/bin/bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new ExecutorException(host, $"cannot start /bin/bash: {ex.Message}");
        }

        // Commands never read input; a closed stdin makes one that tries fail instead of hang.
        process.StandardInput.Close();
        using var timeoutSource = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            // The whole tree: bash may have forked the real work.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            throw new ExecutorException(host, $"command timed out after {timeout} and was killed: {command}");
        }

        return new CommandResult(process.ExitCode, await stdout, await stderr);
    }
}
