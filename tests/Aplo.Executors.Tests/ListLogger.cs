using Microsoft.Extensions.Logging;

namespace Aplo.Executors.Tests;

/// <summary>Keeps log lines in memory, so tests can print or check what the executor said.</summary>
public sealed class ListLogger<T> : ILogger<T>
{
    private readonly Lock gate = new();
    private readonly List<string> lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (gate)
            {
                return [.. lines];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        lock (gate)
        {
            lines.Add($"{logLevel} {eventId.Id} {formatter(state, exception)}");
        }
    }
}
