namespace Aplo.Executors.Transports;

/// <summary>
/// Runs one shell command on a host. A command that ran returns its exit code and output; a command that could
/// not be started, or that ran past <c>timeout</c> and was killed, throws
/// <see cref="Aplo.Core.Execution.ExecutorException"/>.
/// </summary>
public interface ICommandTransport
{
    Task<CommandResult> RunAsync(string host, string command, TimeSpan timeout, CancellationToken cancellationToken);
}
