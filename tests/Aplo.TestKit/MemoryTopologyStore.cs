using Aplo.Core.Persistence;
using Aplo.Core.Topology;

namespace Aplo.TestKit;

/// <summary>A store that keeps nothing: for tests that drive a <see cref="TopologyManager"/> without a database.</summary>
public sealed class MemoryTopologyStore : ITopologyStore
{
    public Task<TopologyModel> LoadAsync(CancellationToken cancellationToken) => Task.FromResult(new TopologyModel());

    public Task CommitAsync(ChangeSet changes, CancellationToken cancellationToken) => Task.CompletedTask;
}
