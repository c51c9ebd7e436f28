namespace Aplo.Cli;

/// <summary>The command line itself is wrong; the message says how, and aplo exits with <see cref="ExitCodes.Usage"/>.</summary>
public sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
