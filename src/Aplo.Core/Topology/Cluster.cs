namespace Aplo.Core.Topology;

/// <summary>A set of nodes that form one Gluster trusted pool.</summary>
public sealed record Cluster(string Id, bool File, bool Block);
