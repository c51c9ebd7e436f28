namespace Aplo.Core.Execution;

/// <summary>A node command failed. The message carries the host and what the command said.</summary>
public sealed class ExecutorException : Exception
{
    public ExecutorException()
    {
    }

    public ExecutorException(string message)
        : base(message)
    {
    }

    public ExecutorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ExecutorException(string host, string message)
        : base($"{host}: {message}")
    {
        Host = host;
    }

    public string? Host { get; }
}
