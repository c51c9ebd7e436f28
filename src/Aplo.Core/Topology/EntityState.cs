namespace Aplo.Core.Topology;

/// <summary>The administrative state of a node or device, as Heketi names it on the wire.</summary>
public enum EntityState
{
    Online,
    Offline,
    Failed,
}
