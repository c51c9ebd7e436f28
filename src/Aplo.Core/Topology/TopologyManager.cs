using Aplo.Core.Errors;
using Aplo.Core.Persistence;

namespace Aplo.Core.Topology;

/// <summary>
/// Owns the in-memory <see cref="TopologyModel"/> and keeps it in step with the store. Writers are serialized
/// by one lock, as Heketi's Bolt transactions were; reads take the same lock briefly. A write is applied to
/// the model and queued to the store under the lock, and the caller awaits durability after releasing it,
/// so the store can commit many writers' changes together.
/// </summary>
public sealed class TopologyManager
{
    private readonly Lock gate = new();
    private readonly ITopologyStore store;
    private TopologyModel model;
    private volatile bool faulted;
    private long version;

    private TopologyManager(ITopologyStore store, TopologyModel model)
    {
        this.store = store;
        this.model = model;
    }

    public static async Task<TopologyManager> OpenAsync(ITopologyStore store, CancellationToken cancellationToken)
    {
        var model = await store.LoadAsync(cancellationToken);
        return new TopologyManager(store, model);
    }

    /// <summary>
    /// Grows with every change applied to the model (and when it is reloaded). Read inside <see cref="Read{T}"/>
    /// it names the state the read saw, so a reader may cache what it built from that state.
    /// </summary>
    public long Version => Volatile.Read(ref version);

    /// <summary>Runs <paramref name="read"/> against a consistent view of the model.</summary>
    public T Read<T>(Func<TopologyModel, T> read)
    {
        lock (gate)
        {
            return read(model);
        }
    }

    /// <summary>
    /// Runs <paramref name="build"/> under the write lock. It validates against the model, fills a change set
    /// and returns a result; the changes are applied and then committed durably before this returns.
    /// If <paramref name="build"/> throws, nothing is applied.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<TopologyModel, ChangeSet, T> build, CancellationToken cancellationToken)
    {
        Task commit;
        T result;
        lock (gate)
        {
            if (faulted)
            {
                throw new AploException(ErrorKind.Unavailable, "The database is recovering from a failed write. Retry later.");
            }

            var changes = new ChangeSet();
            result = build(model, changes);
            if (changes.IsEmpty)
            {
                return result;
            }

            model.Apply(changes);
            Interlocked.Increment(ref version);
            commit = store.CommitAsync(changes, CancellationToken.None);
        }

        try
        {
            await commit.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            await RecoverAsync(cancellationToken);
            throw new AploException(ErrorKind.Unavailable, "Unable to save to the database: " + ex.Message, ex);
        }

        return result;
    }

    public Task WriteAsync(Action<TopologyModel, ChangeSet> build, CancellationToken cancellationToken) =>
        WriteAsync<bool>(
            (m, c) =>
            {
                build(m, c);
                return true;
            },
            cancellationToken);

    /// <summary>
    /// A commit failed, so the model holds changes the store does not. The store is the truth: reload it,
    /// refusing writes until the model matches again.
    /// </summary>
    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        faulted = true;
        try
        {
            var fresh = await store.LoadAsync(cancellationToken);
            lock (gate)
            {
                model = fresh;
                Interlocked.Increment(ref version);
            }

            faulted = false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Stay faulted: the next write reports Unavailable rather than acting on a model we cannot trust.
        }
    }
}
