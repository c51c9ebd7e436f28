using Aplo.Core.Topology;

namespace Aplo.Core.Persistence;

/// <summary>Where the topology lives durably. The in-memory model is a cache of it.</summary>
public interface ITopologyStore
{
    /// <summary>Reads every entity, to rebuild the model at start-up or after a failed commit.</summary>
    Task<TopologyModel> LoadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Commits <paramref name="changes"/> as one transaction. Implementations must take the change set into
    /// their write order before this method returns, so that callers holding the model lock get commits in
    /// the order they applied them; the returned task completes once the commit is durable.
    /// </summary>
    Task CommitAsync(ChangeSet changes, CancellationToken cancellationToken);
}
