using Aplo.Core.Topology;
using static Aplo.Core.Tests.Topology.Entities;

namespace Aplo.Core.Tests.Topology;

public sealed class TopologyModelTests
{
    private readonly TopologyModel model = new();

    [Fact]
    public void NodeIdsOf_FollowsPutsAndDeletes()
    {
        model.Apply(new ChangeSet().Put(Cluster("c1")).Put(Cluster("c2"))
            .Put(Node("n2", "c1", "h2", "10.0.0.2")).Put(Node("n1", "c1", "h1", "10.0.0.1")).Put(Node("n3", "c2", "h3", "10.0.0.3")));

        Assert.Equal(["n1", "n2"], model.NodeIdsOf("c1"));
        Assert.Equal(["n3"], model.NodeIdsOf("c2"));

        model.Apply(new ChangeSet().Delete(EntityKind.Node, "n1"));
        Assert.Equal(["n2"], model.NodeIdsOf("c1"));
        Assert.False(model.Nodes.ContainsKey("n1"));

        model.Apply(new ChangeSet().Delete(EntityKind.Node, "n2"));
        Assert.Empty(model.NodeIdsOf("c1"));
        Assert.Empty(model.NodeIdsOf("no-such-cluster"));
    }

    [Fact]
    public void NodeIdsOf_NodeMovedToAnotherCluster_IsIndexedOnlyThere()
    {
        model.Apply(new ChangeSet().Put(Node("n1", "c1", "h1", "10.0.0.1")));
        model.Apply(new ChangeSet().Put(Node("n1", "c2", "h1", "10.0.0.1")));

        Assert.Empty(model.NodeIdsOf("c1"));
        Assert.Equal(["n1"], model.NodeIdsOf("c2"));
    }

    [Fact]
    public void NodeByHostname_FindsManageAndStorageNames_IgnoringCase()
    {
        model.Apply(new ChangeSet().Put(Node("n1", "c1", "node1.example", "10.0.0.1")));

        Assert.Equal("n1", model.NodeByHostname("node1.example"));
        Assert.Equal("n1", model.NodeByHostname("NODE1.Example"));
        Assert.Equal("n1", model.NodeByHostname("10.0.0.1"));
        Assert.Null(model.NodeByHostname("node2.example"));
    }

    [Fact]
    public void NodeByHostname_AfterDelete_IsGone()
    {
        model.Apply(new ChangeSet().Put(Node("n1", "c1", "node1.example", "10.0.0.1")));
        model.Apply(new ChangeSet().Delete(EntityKind.Node, "n1"));

        Assert.Null(model.NodeByHostname("node1.example"));
        Assert.Null(model.NodeByHostname("10.0.0.1"));
    }

    [Fact]
    public void NodeByHostname_AfterRename_FindsOnlyTheNewName()
    {
        model.Apply(new ChangeSet().Put(Node("n1", "c1", "old.example", "10.0.0.1")));
        model.Apply(new ChangeSet().Put(Node("n1", "c1", "new.example", "10.0.0.1")));

        Assert.Null(model.NodeByHostname("old.example"));
        Assert.Equal("n1", model.NodeByHostname("new.example"));
        Assert.Equal("n1", model.NodeByHostname("10.0.0.1"));
    }

    [Fact]
    public void DeviceIdsOf_FollowsPutsDeletesAndMoves()
    {
        model.Apply(new ChangeSet().Put(Device("d2", "n1")).Put(Device("d1", "n1")).Put(Device("d3", "n2")));
        Assert.Equal(["d1", "d2"], model.DeviceIdsOf("n1"));

        model.Apply(new ChangeSet().Delete(EntityKind.Device, "d1").Put(Device("d3", "n1")));

        Assert.Equal(["d2", "d3"], model.DeviceIdsOf("n1"));
        Assert.Empty(model.DeviceIdsOf("n2"));
    }

    [Fact]
    public void VolumeIdsOfAndVolumeByName_FollowPutsAndDeletes()
    {
        model.Apply(new ChangeSet().Put(Volume("v2", "c1", "beta")).Put(Volume("v1", "c1", "alpha")).Put(Volume("v3", "c2", "alpha")));

        Assert.Equal(["v1", "v2"], model.VolumeIdsOf("c1"));
        Assert.Equal("v1", model.VolumeByName("c1", "alpha"));
        Assert.Equal("v3", model.VolumeByName("c2", "alpha"));
        Assert.Null(model.VolumeByName("c1", "gamma"));

        model.Apply(new ChangeSet().Delete(EntityKind.Volume, "v1"));

        Assert.Equal(["v2"], model.VolumeIdsOf("c1"));
        Assert.Null(model.VolumeByName("c1", "alpha"));
        Assert.Equal("v3", model.VolumeByName("c2", "alpha"));
    }

    [Fact]
    public void VolumeByName_AfterRename_FindsOnlyTheNewName()
    {
        model.Apply(new ChangeSet().Put(Volume("v1", "c1", "alpha")));
        model.Apply(new ChangeSet().Put(Volume("v1", "c1", "omega")));

        Assert.Null(model.VolumeByName("c1", "alpha"));
        Assert.Equal("v1", model.VolumeByName("c1", "omega"));
        Assert.Equal(["v1"], model.VolumeIdsOf("c1"));
    }

    [Fact]
    public void BrickIdsOf_IsInSetOrder_WhateverThePutOrder()
    {
        model.Apply(new ChangeSet()
            .Put(Brick("z", "v1", "d1", set: 1, position: 0))
            .Put(Brick("y", "v1", "d2", set: 0, position: 2))
            .Put(Brick("x", "v1", "d3", set: 0, position: 0))
            .Put(Brick("w", "v1", "d1", set: 1, position: 2))
            .Put(Brick("v", "v1", "d2", set: 0, position: 1))
            .Put(Brick("u", "v1", "d3", set: 1, position: 1))
            .Put(Brick("t", "v2", "d1", set: 0, position: 0)));

        Assert.Equal(["x", "v", "y", "z", "u", "w"], model.BrickIdsOf("v1"));
        Assert.Equal(["t"], model.BrickIdsOf("v2"));
    }

    [Fact]
    public void BrickIdsOf_InSeparateChangeSets_IsStillInSetOrder()
    {
        var bricks = new[] { ("b", 1, 1), ("a", 0, 2), ("f", 2, 0), ("c", 0, 0), ("e", 1, 0), ("d", 0, 1) };
        foreach (var (id, set, position) in bricks)
        {
            model.Apply(new ChangeSet().Put(Brick(id, "v1", "d1", set, position)));
        }

        var expected = bricks.OrderBy(b => b.Item2).ThenBy(b => b.Item3).Select(b => b.Item1);
        Assert.Equal(expected, model.BrickIdsOf("v1"));
    }

    [Fact]
    public void BrickIdsOf_FollowsDeletesAndReplacements()
    {
        model.Apply(new ChangeSet()
            .Put(Brick("a", "v1", "d1", 0, 0)).Put(Brick("b", "v1", "d2", 0, 1)).Put(Brick("c", "v1", "d3", 0, 2)));

        model.Apply(new ChangeSet().Delete(EntityKind.Brick, "b").Put(Brick("b2", "v1", "d4", 0, 1)));
        Assert.Equal(["a", "b2", "c"], model.BrickIdsOf("v1"));

        model.Apply(new ChangeSet().Put(Brick("a", "v1", "d1", 1, 0)));
        Assert.Equal(["b2", "c", "a"], model.BrickIdsOf("v1"));

        model.Apply(new ChangeSet().Delete(EntityKind.Brick, "a").Delete(EntityKind.Brick, "b2").Delete(EntityKind.Brick, "c"));
        Assert.Empty(model.BrickIdsOf("v1"));
        Assert.Empty(model.Bricks);
    }

    [Fact]
    public void BrickIdsOnDevice_FollowsPutsDeletesAndMoves()
    {
        model.Apply(new ChangeSet().Put(Brick("a", "v1", "d1", 0, 0)).Put(Brick("b", "v2", "d1", 0, 0)).Put(Brick("c", "v1", "d2", 0, 1)));
        Assert.Equal(["a", "b"], model.BrickIdsOnDevice("d1"));

        model.Apply(new ChangeSet().Put(Brick("a", "v1", "d2", 0, 0)).Delete(EntityKind.Brick, "b"));

        Assert.Empty(model.BrickIdsOnDevice("d1"));
        Assert.Equal(["a", "c"], model.BrickIdsOnDevice("d2"));
    }

    [Fact]
    public void Apply_LaterChangeToTheSameEntityInOneSet_Wins()
    {
        model.Apply(new ChangeSet().Put(Volume("v1", "c1", "first")).Put(Volume("v1", "c1", "second")));
        Assert.Equal("second", model.Volumes["v1"].Name);
        Assert.Null(model.VolumeByName("c1", "first"));

        model.Apply(new ChangeSet().Put(Cluster("c9")).Delete(EntityKind.Cluster, "c9"));
        Assert.False(model.Clusters.ContainsKey("c9"));
    }

    [Fact]
    public void Apply_DeleteOfUnknownId_IsHarmless()
    {
        model.Apply(new ChangeSet().Delete(EntityKind.Volume, "ghost").Delete(EntityKind.Brick, "ghost").Delete(EntityKind.Node, "ghost"));
        Assert.Empty(model.Volumes);
    }

    [Fact]
    public void Operations_FollowPutsAndDeletes()
    {
        var op = new PendingOperation("op1", OperationType.VolumeCreate, DateTimeOffset.UnixEpoch, string.Empty, "v1", ["b1", "b2"]);
        model.Apply(new ChangeSet().Put(op));
        Assert.Same(op, model.Operations["op1"]);

        model.Apply(new ChangeSet().Delete(EntityKind.Operation, "op1"));
        Assert.Empty(model.Operations);
    }

    [Fact]
    public void Clusters_AreListedInIdOrder()
    {
        model.Apply(new ChangeSet().Put(Cluster("cc")).Put(Cluster("aa")).Put(Cluster("bb")));
        Assert.Equal(["aa", "bb", "cc"], model.Clusters.Keys);
    }
}
