using Aplo.Core.Allocation;
using Aplo.Core.Errors;
using Aplo.Core.Topology;

namespace Aplo.Core.Tests.Allocation;

/// <summary>The brick-replacement query: a new device for one brick of a set, keeping the set's rules.</summary>
public sealed class ReplacementTests
{
    private const long GiB = 1024 * 1024;
    private const long Extent = 4 * 1024;


    private static CandidateDevice Device(string id, string node, int zone, long freeGiB, params (string Key, string Value)[] tags) =>
        new(id, node, zone, freeGiB * GiB, Extent, tags.Length == 0 ? null : tags.ToDictionary(t => t.Key, t => t.Value));

    [Fact]
    public void Replacement_AvoidsTheSetsNodesAndTheBricksOwnDevice()
    {
        var a = Device("a", "n1", 1, 100);
        var a2 = Device("a2", "n1", 1, 500);
        var b = Device("b", "n2", 2, 100);
        var c = Device("c", "n3", 3, 100);
        var d = Device("d", "n4", 1, 50);

        var plan = BrickAllocator.Replacement([a, a2, b, c, d], new ReplacementRequest(10 * GiB, BrickRole.Data, 1f, "a", [b, c]));

        // a2 has the most room but shares n1 with the brick being moved... which is allowed: only the other
        // bricks' nodes are off limits, and the brick's own device is.
        Assert.Equal("a2", plan.DeviceId);
        var (tp, meta) = BrickSizing.SpaceNeeded(10 * GiB, 1f, Extent);
        Assert.Equal(tp + meta, plan.ChargedKiB);
    }

    [Fact]
    public void Replacement_NeverLandsOnANodeOfTheOtherBricks()
    {
        var a = Device("a", "n1", 1, 100);
        var b = Device("b", "n2", 2, 100);
        var b2 = Device("b2", "n2", 2, 900);
        var c = Device("c", "n3", 3, 100);
        var d = Device("d", "n4", 1, 20);

        var plan = BrickAllocator.Replacement([a, b, b2, c, d], new ReplacementRequest(10 * GiB, BrickRole.Data, 1f, "a", [b, c]));

        Assert.Equal("d", plan.DeviceId);
    }

    [Fact]
    public void Replacement_WithStrictZones_NeedsAZoneTheSetDoesNotUse()
    {
        var a = Device("a", "n1", 1, 100);
        var b = Device("b", "n2", 2, 100);
        var c = Device("c", "n3", 3, 100);
        var sameZone = Device("d", "n4", 2, 500);
        var ownZone = Device("e", "n5", 1, 50);

        var plan = BrickAllocator.Replacement([a, b, c, sameZone, ownZone], new ReplacementRequest(10 * GiB, BrickRole.Data, 1f, "a", [b, c], StrictZones: true));
        Assert.Equal("e", plan.DeviceId);

        var ex = Assert.Throws<AploException>(() =>
            BrickAllocator.Replacement([a, b, c, sameZone], new ReplacementRequest(10 * GiB, BrickRole.Data, 1f, "a", [b, c], StrictZones: true)));
        Assert.Equal(ErrorKind.NoSpace, ex.Kind);
        Assert.StartsWith("No Replacement was found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replacement_KeepsArbiterTagsAndTheTagRule()
    {
        var a = Device("a", "n1", 1, 100);
        var b = Device("b", "n2", 2, 100);
        var arb = Device("arb", "n3", 3, 5, ("arbiter", "required"));
        var spare = Device("spare", "n4", 4, 500, ("disk", "hdd"));
        var arb2 = Device("arb2", "n5", 5, 5, ("arbiter", "required"));

        var forArbiter = BrickAllocator.Replacement([a, b, arb, spare, arb2], new ReplacementRequest(GiB, BrickRole.Arbiter, 1f, "arb", [a, b]));
        Assert.Equal("arb2", forArbiter.DeviceId);

        var forData = BrickAllocator.Replacement([a, b, arb, spare, arb2], new ReplacementRequest(10 * GiB, BrickRole.Data, 1f, "a", [b, arb]));
        Assert.Equal("spare", forData.DeviceId);

        var ex = Assert.Throws<AploException>(() => BrickAllocator.Replacement(
            [a, b, arb, spare, arb2], new ReplacementRequest(10 * GiB, BrickRole.Data, 1f, "a", [b, arb], DeviceTagMatch: TagMatch.Parse("disk=ssd"))));
        Assert.StartsWith("No Replacement was found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replacement_WithoutRoom_SaysHowMuchIsNeededAndWhatIsFree()
    {
        var a = Device("a", "n1", 1, 100);
        var b = Device("b", "n2", 2, 100);
        var c = Device("c", "n3", 3, 100);
        var small = Device("s", "n4", 1, 5);

        var ex = Assert.Throws<AploException>(() => BrickAllocator.Replacement([a, b, c, small], new ReplacementRequest(10 * GiB, BrickRole.Data, 1f, "a", [b, c])));

        Assert.Contains("the largest free is 5 GiB on device s", ex.Message, StringComparison.Ordinal);
    }
}
