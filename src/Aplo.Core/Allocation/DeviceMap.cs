using Aplo.Core.Topology;

namespace Aplo.Core.Allocation;

/// <summary>
/// The candidates by index, built once per call: each device's node as a number and which bricks its arbiter
/// tag lets it take, so that every pick is a pass over arrays rather than over dictionaries.
/// </summary>
internal sealed class DeviceMap
{
    public DeviceMap(IReadOnlyList<CandidateDevice> devices)
    {
        Devices = [.. devices];
        Node = new int[Devices.Length];
        TakesData = new bool[Devices.Length];
        TakesArbiter = new bool[Devices.Length];
        var nodes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Devices.Length; i++)
        {
            var d = Devices[i];
            if (!nodes.TryGetValue(d.NodeId, out Node[i]))
            {
                Node[i] = nodes.Count;
                nodes.Add(d.NodeId, Node[i]);
            }

            TakesData[i] = BrickAllocator.AcceptsRole(d, BrickRole.Data);
            TakesArbiter[i] = BrickAllocator.AcceptsRole(d, BrickRole.Arbiter);
        }

        NodeIndex = nodes;
        NodeIds = [.. nodes.Keys];
    }

    public CandidateDevice[] Devices { get; }

    public int[] Node { get; }

    public bool[] TakesData { get; }

    public bool[] TakesArbiter { get; }

    public Dictionary<string, int> NodeIndex { get; }

    public string[] NodeIds { get; }
}
