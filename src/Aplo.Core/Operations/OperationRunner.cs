using Aplo.Core.Errors;
using Aplo.Core.Execution;
using Microsoft.Extensions.Logging;

namespace Aplo.Core.Operations;

/// <summary>
/// Runs the exec and finalize (or rollback) phases of operations in the background and records their outcome
/// in the queue. On shutdown it stops accepting work and waits for what runs.
/// </summary>
public sealed class OperationRunner(OperationQueue queue, OperationThrottle throttle, ILogger<OperationRunner> logger) : IAsyncDisposable
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

        Queue.Complete(id, outcome);
    }
}
