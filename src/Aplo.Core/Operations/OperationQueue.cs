using System.Collections.Concurrent;

namespace Aplo.Core.Operations;

/// <summary>What a poll of <c>/queue/{id}</c> sees.</summary>
public enum QueueState
{
    Unknown,
    Pending,
    Finished,
}

/// <summary>
/// The results of asynchronous operations, with Heketi's semantics: pending until done, then readable once.
/// Results that nobody reads expire after <see cref="GlusterSettings.CompletedResultLifetime"/>.
/// </summary>
public sealed class OperationQueue(TimeProvider time, TimeSpan lifetime)
{
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private long nextPruneTicks;

    public int Count => entries.Count;

    public void Add(string id, string owner)
    {
        Prune();
        entries[id] = new Entry(owner);
    }

    /// <summary>Puts back a result that was saved before a restart, ready to be read once.</summary>
    public void Restore(string id, string owner, OperationOutcome outcome, DateTimeOffset finishedAt)
    {
        var entry = new Entry(owner) { FinishedAt = finishedAt };
        entry.Done.TrySetResult(outcome);
        entries[id] = entry;
    }

    public void Complete(string id, OperationOutcome outcome)
    {
        if (entries.TryGetValue(id, out var entry))
        {
            entry.FinishedAt = time.GetUtcNow();
            entry.Done.TrySetResult(outcome);
        }
    }

    /// <summary>The role that started the operation, or null if the id is unknown.</summary>
    public string? OwnerOf(string id) => entries.TryGetValue(id, out var e) ? e.Owner : null;

    /// <summary>Reads an entry; a finished entry is removed by the read, as in Heketi.</summary>
    public QueueState Poll(string id, out OperationOutcome? outcome)
    {
        outcome = null;
        if (!entries.TryGetValue(id, out var entry))
        {
            return QueueState.Unknown;
        }

        if (!entry.Done.Task.IsCompleted)
        {
            return QueueState.Pending;
        }

        if (!entries.TryRemove(id, out _))
        {
            return QueueState.Unknown;
        }

        outcome = entry.Done.Task.Result;
        return QueueState.Finished;
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the entry to finish, without reading it.</summary>
    public async Task WaitAsync(string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!entries.TryGetValue(id, out var entry) || timeout <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await entry.Done.Task.WaitAsync(timeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Still pending: the caller answers "pending", as a plain poll would.
        }
    }

    private void Prune()
    {
        var now = time.GetUtcNow();
        var next = Interlocked.Read(ref nextPruneTicks);
        if (now.UtcTicks < next || Interlocked.CompareExchange(ref nextPruneTicks, now.UtcTicks + TimeSpan.TicksPerMinute, next) != next)
        {
            return;
        }

        var cutoff = now - lifetime;
        foreach (var (id, entry) in entries)
        {
            if (entry.FinishedAt is { } at && at < cutoff)
            {
                entries.TryRemove(id, out _);
            }
        }
    }

    private sealed class Entry(string owner)
    {
        public string Owner { get; } = owner;

        public TaskCompletionSource<OperationOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public DateTimeOffset? FinishedAt { get; set; }
    }
}
