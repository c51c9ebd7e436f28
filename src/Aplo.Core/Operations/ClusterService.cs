using Aplo.Core.Errors;
using Aplo.Core.Topology;

namespace Aplo.Core.Operations;

/// <summary>Cluster create, flags and delete. These touch only the store, so they answer synchronously.</summary>
public sealed class ClusterService(OperationContext context)
{
    public Task<Cluster> CreateAsync(bool file, bool block, CancellationToken cancellationToken) =>
        context.Topology.WriteAsync(
            (_, changes) =>
            {
                var cluster = new Cluster(context.Ids.NewId(), file, block);
                changes.Put(cluster);
                return cluster;
            },
            cancellationToken);

    public Task SetFlagsAsync(string id, bool file, bool block, CancellationToken cancellationToken) =>
        context.Topology.WriteAsync(
            (model, changes) =>
            {
                var cluster = model.Clusters.GetValueOrDefault(id) ?? throw AploException.NotFound();
                changes.Put(cluster with { File = file, Block = block });
            },
            cancellationToken);

    public Task DeleteAsync(string id, CancellationToken cancellationToken) =>
        context.Topology.WriteAsync(
            (model, changes) =>
            {
                if (!model.Clusters.ContainsKey(id))
                {
                    throw AploException.NotFound();
                }

                if (model.NodeIdsOf(id).Count > 0 || model.VolumeIdsOf(id).Count > 0)
                {
                    throw AploException.Conflict($"Unable to delete cluster [{id}] because it contains volumes and/or nodes");
                }

                changes.Delete(EntityKind.Cluster, id);
            },
            cancellationToken);
}
