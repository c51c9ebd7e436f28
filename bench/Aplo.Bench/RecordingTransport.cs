using Aplo.Executors.Transports;

namespace Aplo.Bench;

/// <summary>Passes commands through and, while recording, keeps each one with its host and duration.</summary>
internal sealed class RecordingTransport(ICommandTransport inner) : ICommandTransport
{
    private readonly List<RecordedCommand> recorded = [];
    private bool recording;

    public void Start()
    {
        lock (recorded)
        {
            recorded.Clear();
            recording = true;
        }
    }

    public IReadOnlyList<RecordedCommand> Stop()
    {
        lock (recorded)
        {
            recording = false;
            return [.. recorded];
        }
    }

    public async Task<CommandResult> RunAsync(string host, string command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = await inner.RunAsync(host, command, timeout, cancellationToken);
        lock (recorded)
        {
            if (recording)
            {
                recorded.Add(new RecordedCommand(host, command, System.Diagnostics.Stopwatch.GetElapsedTime(started)));
            }
        }

        return result;
    }
}

internal sealed record RecordedCommand(string Host, string Command, TimeSpan Duration);
