using Aplo.Core.Allocation;
using Aplo.Core.Topology;

namespace Aplo.Core.Tests.Allocation;

/// <summary>
/// The bounded search the allocator falls back to, called directly: its counting bounds under strict zones must
/// refuse what cannot fit without searching, and must never refuse what fits (set counts chosen so the bounds are
/// tight).
/// </summary>
public sealed class PlacementSearchTests
{
    private const long GiB = 1024 * 1024;
    private const long ExtentKiB = 4096;
    private const long BrickKiB = 10 * GiB;

    private static readonly Durability Replica3 = new(DurabilityType.Replicate, 3, 0, 0, false);
    private static readonly Durability Arbiter = new(DurabilityType.Replicate, 3, 0, 0, true);

    private static readonly long DataCharge = BrickSizing.ChargedKiB(BrickKiB, 1f, ExtentKiB);

    [Fact]
    public void Find_StrictZonesWithRoomInOnlyTwoZones_RefusesBeforeExaminingADevice()
    {
        var devices = RoomInTwoZones();

        var found = PlacementSearch.Find(new DeviceMap(devices), Request(Replica3, strict: true), 1, BrickKiB, 0, out var steps);

        Assert.Null(found);
        Assert.Equal(0, steps);
    }

    [Fact]
    public void Find_StrictZonesWithRoomForExactlyTheSets_PlacesEverySetInThreeZones()
    {
        // Two sets, and each zone can take exactly two bricks: the zone bound is met with nothing to spare.
        var devices = new List<CandidateDevice>
        {
            Device("a", 1, Room(1)),
            Device("b", 1, Room(1)),
            Device("c", 2, Room(2)),
            Device("d", 3, Room(2)),
        };

        var found = PlacementSearch.Find(new DeviceMap(devices), Request(Replica3, strict: true), 2, BrickKiB, 0);

        Assert.NotNull(found);
        AssertValid(devices, found, setSize: 3, strict: true);
    }

    [Fact]
    public void Find_StrictZonesWithTheArbiterZoneTakingOnlyArbiters_PlacesEverySet()
    {
        // Zone 3 takes arbiter bricks only: the zone bound must count them, or it refuses a placement that exists.
        var arbiterKiB = BrickSizing.ArbiterSize(BrickKiB, 64);
        var arbiterCharge = BrickSizing.ChargedKiB(arbiterKiB, 1f, ExtentKiB);
        var devices = new List<CandidateDevice>
        {
            Device("a", 1, Room(2), "disabled"),
            Device("b", 2, Room(2), "disabled"),
            Device("c", 3, (2 * arbiterCharge) + 1, "required"),
        };

        var found = PlacementSearch.Find(new DeviceMap(devices), Request(Arbiter, strict: true), 2, BrickKiB, arbiterKiB);

        Assert.NotNull(found);
        AssertValid(devices, found, setSize: 3, strict: true);
        Assert.All(found.Where(p => p.Role == BrickRole.Arbiter), p => Assert.Equal("c", p.DeviceId));
    }

    [Fact]
    public void Find_SameDevicesWithoutStrictZones_PlacesTheSet()
    {
        // The refusal above is the zones' doing: the same devices take the set when zones are only a preference.
        var devices = RoomInTwoZones();

        var found = PlacementSearch.Find(new DeviceMap(devices), Request(Replica3, strict: false), 1, BrickKiB, 0);

        Assert.NotNull(found);
        AssertValid(devices, found, setSize: 3, strict: false);
    }

    // Four nodes with room pass the node bound; only two zones have room, so no set can have three zones.
    private static List<CandidateDevice> RoomInTwoZones() =>
    [
        Device("a", 1, Room(4)),
        Device("b", 1, Room(4)),
        Device("c", 2, Room(4)),
        Device("d", 2, Room(4)),
        Device("e", 3, DataCharge - 1),
    ];

    private static long Room(int bricks) => (bricks * DataCharge) + 1;

    // One node per device, named after it, so node anti-affinity and zones are the only constraints at play.
    private static CandidateDevice Device(string id, int zone, long freeKiB, string? arbiter = null) =>
        new(id, "node-" + id, zone, freeKiB, ExtentKiB, arbiter is null ? null : new Dictionary<string, string> { ["arbiter"] = arbiter });

    private static PlacementRequest Request(Durability durability, bool strict) => new(BrickKiB, durability, 1f, StrictZones: strict);

    private static void AssertValid(List<CandidateDevice> devices, List<BrickPlan> plans, int setSize, bool strict)
    {
        var byId = devices.ToDictionary(d => d.DeviceId);
        foreach (var set in plans.GroupBy(p => p.SetIndex))
        {
            Assert.Equal(setSize, set.Count());
            Assert.Equal(setSize, set.Select(p => p.NodeId).Distinct().Count());
            if (strict)
            {
                Assert.Equal(setSize, set.Select(p => byId[p.DeviceId].Zone).Distinct().Count());
            }
        }

        foreach (var device in plans.GroupBy(p => p.DeviceId))
        {
            Assert.True(device.Sum(p => p.ChargedKiB) < byId[device.Key].FreeKiB, $"device {device.Key} is overcommitted");
        }
    }
}
