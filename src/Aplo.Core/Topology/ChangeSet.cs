namespace Aplo.Core.Topology;

/// <summary>What kind of entity a <see cref="Change"/> touches; also the store's table.</summary>
public enum EntityKind
{
    Cluster,
    Node,
    Device,
    Brick,
    Volume,
    Operation,
    QueueResult,
}

/// <summary>One put (Entity set) or delete (Entity null) of one entity.</summary>
public readonly record struct Change(EntityKind Kind, string Id, object? Entity);

/// <summary>
/// The writes of one logical step, applied to the in-memory model and committed to the store as one
/// transaction. Later changes to the same entity win.
/// </summary>
public sealed class ChangeSet
{
    private readonly List<Change> changes = [];

    public IReadOnlyList<Change> Changes => changes;

    public bool IsEmpty => changes.Count == 0;

    public ChangeSet Put(Cluster c) => Add(new(EntityKind.Cluster, c.Id, c));

    public ChangeSet Put(Node n) => Add(new(EntityKind.Node, n.Id, n));

    public ChangeSet Put(Device d) => Add(new(EntityKind.Device, d.Id, d));

    public ChangeSet Put(Brick b) => Add(new(EntityKind.Brick, b.Id, b));

    public ChangeSet Put(Volume v) => Add(new(EntityKind.Volume, v.Id, v));

    public ChangeSet Put(PendingOperation o) => Add(new(EntityKind.Operation, o.Id, o));

    public ChangeSet Put(QueueResult r) => Add(new(EntityKind.QueueResult, r.Id, r));

    public ChangeSet Delete(EntityKind kind, string id) => Add(new(kind, id, null));

    private ChangeSet Add(Change change)
    {
        changes.Add(change);
        return this;
    }
}
