using System.Text.Json;
using Aplo.Contracts;
using Aplo.Core.Topology;

namespace Aplo.Server.Http;

/// <summary>
/// How <see cref="TopologyJsonCache"/> serializes the pieces of <c>GET /topology</c>: heketi-cli's shape (every volume
/// and brick in full), or the brief one <c>aplo topology info</c> reads (<c>?brief=true</c>). Each piece is the
/// serializer's own output for that piece's view, so the stitched answer equals serializing <see cref="Whole"/>.
/// </summary>
internal abstract class TopologyShape
{
    public static readonly TopologyShape Heketi = new HeketiShape();

    public static readonly TopologyShape Brief = new BriefShape();

    /// <summary>The answer with no clusters: the outer envelope.</summary>
    public abstract byte[] Empty();

    /// <summary>The cluster with no volumes and no nodes: its envelope.</summary>
    public abstract byte[] Cluster(Cluster c);

    public abstract byte[] Volume(Volume v, string[] hosts, Brick[] bricks);

    public abstract byte[] Node(Node n, IEnumerable<(Device Device, Brick[] Bricks)> devices);

    /// <summary>The whole answer serialized at once from the model: the reference the stitched bytes must equal.</summary>
    public abstract byte[] Whole(TopologyModel model);

    private sealed class HeketiShape : TopologyShape
    {
        public override byte[] Empty() =>
            JsonSerializer.SerializeToUtf8Bytes(new TopologyInfoResponse { Clusters = [] }, HeketiJsonContext.Default.TopologyInfoResponse);

        public override byte[] Cluster(Cluster c) => JsonSerializer.SerializeToUtf8Bytes(
            new TopologyCluster { Id = c.Id, File = c.File, Block = c.Block, Volumes = [], Nodes = [] }, HeketiJsonContext.Default.TopologyCluster);

        public override byte[] Volume(Volume v, string[] hosts, Brick[] bricks) =>
            JsonSerializer.SerializeToUtf8Bytes(TopologyViews.Volume(v, hosts, bricks), HeketiJsonContext.Default.VolumeInfoResponse);

        public override byte[] Node(Node n, IEnumerable<(Device Device, Brick[] Bricks)> devices) => JsonSerializer.SerializeToUtf8Bytes(
            TopologyViews.Node(n, devices.Select(d => TopologyViews.Device(d.Device, d.Bricks))), HeketiJsonContext.Default.NodeInfoResponse);

        public override byte[] Whole(TopologyModel model) =>
            JsonSerializer.SerializeToUtf8Bytes(Endpoints.TopologyEndpoints.Build(model), HeketiJsonContext.Default.TopologyInfoResponse);
    }

    private sealed class BriefShape : TopologyShape
    {
        public override byte[] Empty() =>
            JsonSerializer.SerializeToUtf8Bytes(new TopologyBriefResponse { Clusters = [] }, HeketiJsonContext.Default.TopologyBriefResponse);

        public override byte[] Cluster(Cluster c) => JsonSerializer.SerializeToUtf8Bytes(
            new TopologyBriefCluster { Id = c.Id, File = c.File, Block = c.Block, Volumes = [], Nodes = [] }, HeketiJsonContext.Default.TopologyBriefCluster);

        public override byte[] Volume(Volume v, string[] hosts, Brick[] bricks) =>
            JsonSerializer.SerializeToUtf8Bytes(TopologyViews.VolumeBrief(v, bricks.Length), HeketiJsonContext.Default.VolumeBrief);

        public override byte[] Node(Node n, IEnumerable<(Device Device, Brick[] Bricks)> devices) => JsonSerializer.SerializeToUtf8Bytes(
            TopologyViews.NodeBrief(n, devices.Select(d => TopologyViews.DeviceBrief(d.Device, d.Bricks))), HeketiJsonContext.Default.NodeBrief);

        public override byte[] Whole(TopologyModel model) =>
            JsonSerializer.SerializeToUtf8Bytes(Endpoints.TopologyEndpoints.BuildBrief(model), HeketiJsonContext.Default.TopologyBriefResponse);
    }
}
