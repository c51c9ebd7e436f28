using Aplo.Core.Errors;
using Aplo.Core.Execution;
using Aplo.Core.Topology;
using Microsoft.Extensions.Logging;

namespace Aplo.Core.Operations;

/// <summary>
/// Runs the exec and finalize (or rollback) phases of operations in the background and records their outcome
/// in the queue. On shutdown it stops accepting work and waits for what runs.
/// </summary>
public sealed class OperationRunner(
    OperationQueue queue, OperationThrottle throttle, TopologyManager topology, TimeProvider time, ILogger<OperationRunner> logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly HashSet<Task> running = [];
    private int disposed;

    public OperationQueue Queue { get; } = queue;

    public OperationThrottle Throttle { get; } = throttle;

    /// <summary>Admits a throttled operation or throws 429.</summary>
    public void Admit()
    {
        if (!Throttle.TryEnter())
        {
            throw AploException.Busy();
        }
    }

    /// <summary>Starts <paramref name="work"/> for queue entry <paramref name="id"/>; releases the throttle slot if held.</summary>
    public void Start(string id, string owner, bool throttled, Func<CancellationToken, Task<OperationOutcome>> work)
    {
        Queue.Add(id, owner);
        var task = Task.Run(() => RunAsync(id, throttled, work), CancellationToken.None);
        lock (gate)
        {
            running.Add(task);
        }

        task.ContinueWith(
            t =>
            {
                lock (gate)
                {
                    running.Remove(t);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stopping.CancelAsync();
        Task[] tasks;
        lock (gate)
        {
            tasks = [.. running];
        }

        await Task.WhenAll(tasks);
        stopping.Dispose();
    }

    private async Task RunAsync(string id, bool throttled, Func<CancellationToken, Task<OperationOutcome>> work)
    {
        OperationOutcome outcome;
        try
        {
            outcome = await work(stopping.Token);
        }
        catch (Exception ex) when (ex is AploException or ExecutorException)
        {
            outcome = new OperationOutcome.Failed(ex.Message);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            outcome = new OperationOutcome.Failed("The server stopped before the operation finished");
        }
        catch (Exception ex)
        {
            Log.OperationCrashed(logger, ex, id);
            outcome = new OperationOutcome.Failed(ex.Message);
        }
        finally
        {
            if (throttled)
            {
                Throttle.Exit();
            }
        }

        if (outcome is OperationOutcome.Failed failed)
        {
            Log.OperationFailed(logger, id, failed.Message);
        }

        await RecordAsync(id, Queue.OwnerOf(id) ?? "admin", outcome);
    }

    /// <summary>
    /// Saves the outcome so that a client that polls after a restart still gets it. The save is queued to the
    /// store in order and the result is readable at once, without waiting for the disk: the operation's own
    /// records are already durable, and only a crash in the next fraction of a millisecond could lose the
    /// saved answer (the client then gets Heketi's 404).
    /// </summary>
    public async Task RecordAsync(string id, string owner, OperationOutcome outcome)
    {
        var finishedAt = time.GetUtcNow();
        var save = topology.WriteAsync((_, changes) => changes.Put(outcome.ToRecord(id, owner, finishedAt)), CancellationToken.None);
        if (Queue.OwnerOf(id) is null)
        {
            Queue.Restore(id, owner, outcome, finishedAt);
        }
        else
        {
            Queue.Complete(id, outcome);
        }

        try
        {
            await save;
        }
        catch (AploException ex)
        {
            Log.OperationFailed(logger, id, "its result could not be saved: " + ex.Message);
        }
    }
}
