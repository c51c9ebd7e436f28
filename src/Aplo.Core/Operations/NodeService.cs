using Aplo.Core.Errors;
using Aplo.Core.Execution;
using Aplo.Core.Topology;
using Aplo.Core.Validation;

namespace Aplo.Core.Operations;

/// <summary>Node add (peer probe), delete (peer detach), state and tags.</summary>
public sealed class NodeService(OperationContext context, BrickEvictionService evictions)
{
    /// <summary>Validates, checks glusterd, reserves the node and starts the peer probe. Returns the queue id.</summary>
    public async Task<string> AddAsync(NodeAddSpec spec, string owner, CancellationToken cancellationToken)
    {
        Validate(spec);
        var peers = context.Topology.Read(model =>
        {
            if (!model.Clusters.ContainsKey(spec.ClusterId))
            {
                throw AploException.NotFound("Cluster id does not exist");
            }

            CheckHostnamesFree(model, spec);
            return model.NodeIdsOf(spec.ClusterId)
                .Select(id => model.Nodes[id])
                .Where(n => n.State == EntityState.Online && n.PendingOperationId is null)
                .Select(n => n.ManageHostname)
                .ToList();
        });

        // The first node of a cluster checks its own glusterd; later nodes are probed from a node already in it.
        string? peer = null;
        if (peers.Count > 0)
        {
            peer = await FirstWithGlusterdAsync(peers, cancellationToken)
                ?? throw new AploException(ErrorKind.Validation, "None of the nodes in cluster has glusterd running");
        }
        else
        {
            try
            {
                await context.Executor.GlusterdCheckAsync(spec.ManageHostnames[0], cancellationToken);
            }
            catch (ExecutorException)
            {
                throw new AploException(ErrorKind.Validation, "New Node doesn't have glusterd running");
            }
        }

        var opId = context.Ids.NewId();
        var node = await context.Topology.WriteAsync(
            (model, changes) =>
            {
                CheckHostnamesFree(model, spec);
                if (!model.Clusters.ContainsKey(spec.ClusterId))
                {
                    throw AploException.NotFound("Cluster id does not exist");
                }

                var node = new Node(
                    context.Ids.NewId(), spec.ClusterId, spec.Zone, spec.ManageHostnames, spec.StorageHostnames,
                    EntityState.Online, new SortedDictionary<string, string>(spec.Tags.ToDictionary(), StringComparer.Ordinal), opId);
                changes.Put(node).Put(new PendingOperation(opId, OperationType.NodeAdd, context.Time.GetUtcNow(), string.Empty, node.Id, []));
                return node;
            },
            cancellationToken);

        context.Runner.Start(opId, owner, throttled: false, async ct =>
        {
            try
            {
                if (peer is not null)
                {
                    await context.Executor.PeerProbeAsync(peer, node.StorageHostname, ct);
                }
            }
            catch (Exception ex) when (ex is ExecutorException)
            {
                await context.Topology.WriteAsync(
                    (_, changes) => changes.Delete(EntityKind.Node, node.Id).Delete(EntityKind.Operation, opId), CancellationToken.None);
                throw;
            }

            await context.Topology.WriteAsync(
                (model, changes) => changes.Put(model.Nodes[node.Id] with { PendingOperationId = null }).Delete(EntityKind.Operation, opId),
                CancellationToken.None);
            return new OperationOutcome.Created("/nodes/" + node.Id);
        });
        return opId;
    }

    /// <summary>Removes a node that has no devices; detaches it from the pool first.</summary>
    public async Task<string> DeleteAsync(string id, string owner, CancellationToken cancellationToken)
    {
        var opId = context.Ids.NewId();
        var (node, others) = await context.Topology.WriteAsync(
            (model, changes) =>
            {
                var node = VisibleNode(model, id);
                BrickEvictionService.CheckNotBeingRemoved(model, id);
                if (model.DeviceIdsOf(id).Count > 0)
                {
                    throw AploException.Conflict($"Unable to delete node [{id}] because it contains devices");
                }

                var others = model.NodeIdsOf(node.ClusterId)
                    .Where(n => n != id)
                    .Select(n => model.Nodes[n])
                    .Where(n => n.State == EntityState.Online && n.PendingOperationId is null)
                    .Select(n => n.ManageHostname)
                    .ToList();
                changes.Put(node with { PendingOperationId = opId })
                    .Put(new PendingOperation(opId, OperationType.NodeDelete, context.Time.GetUtcNow(), string.Empty, id, []));
                return (node, others);
            },
            cancellationToken);

        context.Runner.Start(opId, owner, throttled: false, async ct =>
        {
            // Heketi ignores detach errors: the node may already be gone, and the record must still go.
            foreach (var host in others.Take(1))
            {
                try
                {
                    await context.Executor.PeerDetachAsync(host, node.StorageHostname, ct);
                }
                catch (ExecutorException ex)
                {
                    Log.PeerDetachIgnored(context.Logger, node.StorageHostname, ex.Message);
                }
            }

            await context.Topology.WriteAsync(
                (_, changes) => changes.Delete(EntityKind.Node, id).Delete(EntityKind.Operation, opId), CancellationToken.None);
            return OperationOutcome.Completed;
        });
        return opId;
    }

    /// <summary>
    /// Sets the state. <c>failed</c> is Heketi's node remove: the bricks of every device of the node are moved to
    /// other nodes first (<see cref="BrickEvictionService"/>), then the devices and the node are failed.
    /// </summary>
    public Task<string> SetStateAsync(string id, string? state, string? healCheck, string owner, CancellationToken cancellationToken)
    {
        var target = StateRules.Parse(state);
        return evictions.SetStateAsync(
            OperationType.NodeRemove, id, target, healCheck, owner,
            (model, changes) =>
            {
                var node = VisibleNode(model, id);
                StateRules.Check(node.State, target, isNode: true);
                BrickEvictionService.CheckNotBeingRemoved(model, id);
                if (target == EntityState.Failed && node.State != EntityState.Failed)
                {
                    return true;
                }

                changes.Put(node with { State = target });
                return false;
            },
            cancellationToken);
    }

    public Task<IReadOnlyDictionary<string, string>> SetTagsAsync(
        string id, IReadOnlyDictionary<string, string> tags, TagChange kind, CancellationToken cancellationToken) =>
        context.Topology.WriteAsync<IReadOnlyDictionary<string, string>>(
            (model, changes) =>
            {
                var node = VisibleNode(model, id);
                var result = TagRules.Apply(node.Tags, tags, kind);
                changes.Put(node with { Tags = result });
                return result;
            },
            cancellationToken);

    public static Node VisibleNode(TopologyModel model, string id) =>
        model.Nodes.TryGetValue(id, out var node) && node.PendingOperationId is null ? node : throw AploException.NotFound();

    private async Task<string?> FirstWithGlusterdAsync(IEnumerable<string> hosts, CancellationToken cancellationToken)
    {
        foreach (var host in hosts)
        {
            try
            {
                await context.Executor.GlusterdCheckAsync(host, cancellationToken);
                return host;
            }
            catch (ExecutorException)
            {
                // Try the next node; Heketi picks any online node with glusterd up.
            }
        }

        return null;
    }

    private static void Validate(NodeAddSpec spec)
    {
        if (!Rules.IsId(spec.ClusterId))
        {
            throw AploException.Invalid("cluster: must be a cluster id");
        }

        if (spec.Zone < 1)
        {
            throw AploException.Invalid("zone: must be no less than 1");
        }

        if (spec.ManageHostnames.Count == 0 || spec.StorageHostnames.Count == 0)
        {
            throw AploException.Invalid("hostnames: manage and storage each need at least one hostname");
        }

        foreach (var h in spec.ManageHostnames)
        {
            Rules.Hostname("hostnames.manage", h);
        }

        foreach (var h in spec.StorageHostnames)
        {
            Rules.Hostname("hostnames.storage", h);
        }

        Rules.Tags(spec.Tags);
    }

    private static void CheckHostnamesFree(TopologyModel model, NodeAddSpec spec)
    {
        foreach (var host in spec.ManageHostnames.Concat(spec.StorageHostnames))
        {
            if (model.NodeByHostname(host) is { } other)
            {
                throw AploException.Conflict($"Hostname {host} already used by node with id {other}");
            }
        }
    }
}
