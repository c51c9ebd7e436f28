namespace Aplo.Executors.Transports;

/// <summary>What one command did on a node. A non-zero exit is data, not an exception: the caller decides.</summary>
public sealed record CommandResult(int ExitCode, string StdOut, string StdErr)
{
    public bool Ok => ExitCode == 0;

    public static CommandResult Success(string stdOut = "") => new(0, stdOut, string.Empty);

    public static CommandResult Failure(int exitCode, string stdErr, string stdOut = "") => new(exitCode, stdOut, stdErr);
}
