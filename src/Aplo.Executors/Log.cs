using Microsoft.Extensions.Logging;

namespace Aplo.Executors;

/// <summary>Executors' log messages. Event ids 2000–2999 belong to Executors.</summary>
internal static partial class Log
{
    [LoggerMessage(2001, LogLevel.Debug, "Running on {Host}: {Command}")]
    public static partial void RunningCommand(ILogger logger, string host, string command);

    [LoggerMessage(2002, LogLevel.Debug, "Finished on {Host} with exit {ExitCode} in {ElapsedMs} ms: {Command}")]
    public static partial void CommandFinished(ILogger logger, string host, int exitCode, long elapsedMs, string command);

    [LoggerMessage(2003, LogLevel.Warning, "Command failed on {Host} with exit {ExitCode}: {Command}: {Output}")]
    public static partial void CommandFailed(ILogger logger, string host, int exitCode, string command, string output);

    [LoggerMessage(2004, LogLevel.Information, "Gluster is busy on {Host} (attempt {Attempt} of {MaxAttempts}); retrying in {Delay}: {Output}")]
    public static partial void TransientRetry(ILogger logger, string host, int attempt, int maxAttempts, TimeSpan delay, string output);

    [LoggerMessage(2005, LogLevel.Debug, "Ignored on {Host} ({Reason}): {Command}")]
    public static partial void FailureIgnored(ILogger logger, string host, string reason, string command);

    [LoggerMessage(2006, LogLevel.Warning, "Rebalance of volume {VolumeName} on {Host} failed and is ignored: {Output}")]
    public static partial void RebalanceFailed(ILogger logger, string host, string volumeName, string output);

    [LoggerMessage(2007, LogLevel.Warning, "Brick {BrickId} on {Host} failed half-way; removing what was made")]
    public static partial void BrickCreateCleanup(ILogger logger, string host, string brickId);

    [LoggerMessage(2008, LogLevel.Error, "Clean-up of brick {BrickId} on {Host} failed; it needs an operator")]
    public static partial void BrickCleanupFailed(ILogger logger, Exception exception, string host, string brickId);

    [LoggerMessage(2009, LogLevel.Warning, "Device {Device} on {Host}: volume group creation failed; removing the physical volume made for it")]
    public static partial void DeviceSetupCleanup(ILogger logger, string host, string device);

    [LoggerMessage(2010, LogLevel.Warning, "Brick {BrickId} on {Host}: thin pool {ThinPool} still holds {ThinCount} thin volumes; its space stays in use")]
    public static partial void ThinPoolKept(ILogger logger, string host, string brickId, string thinPool, long thinCount);

    [LoggerMessage(2011, LogLevel.Warning, "Brick {BrickId} on {Host}: mount point directory not removed: {Output}")]
    public static partial void MountPointKept(ILogger logger, string host, string brickId, string output);

    [LoggerMessage(2020, LogLevel.Information, "SSH connected to {Host}:{Port} as {User}")]
    public static partial void SshConnected(ILogger logger, string host, int port, string user);

    [LoggerMessage(2021, LogLevel.Warning, "SSH host key of {Host} ({KeyType} {Fingerprint}) accepted without verification: no known_hosts file is configured")]
    public static partial void HostKeyNotVerified(ILogger logger, string host, string keyType, string fingerprint);

    [LoggerMessage(2022, LogLevel.Error, "SSH host key of {Host} ({KeyType} {Fingerprint}) rejected: {Reason}")]
    public static partial void HostKeyRejected(ILogger logger, string host, string keyType, string fingerprint, string reason);

    [LoggerMessage(2023, LogLevel.Warning, "SSH connection to {Host} lost; the next command reconnects: {Reason}")]
    public static partial void SshReconnecting(ILogger logger, string host, string reason);

    [LoggerMessage(2024, LogLevel.Warning, "Command on {Host} timed out after {Timeout} and was killed: {Command}")]
    public static partial void CommandTimedOut(ILogger logger, string host, TimeSpan timeout, string command);
}
