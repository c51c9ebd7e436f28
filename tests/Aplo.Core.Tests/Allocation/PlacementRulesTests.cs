using Aplo.Core.Allocation;
using Aplo.Core.Errors;
using Aplo.Core.Topology;

namespace Aplo.Core.Tests.Allocation;

/// <summary>Tag matching and arbiter tags (reference §4.4).</summary>
public sealed class PlacementRulesTests
{
    private const long GiB = 1024 * 1024;
    private const long Extent = 4 * 1024;

    private static readonly Durability Replica3 = new(DurabilityType.Replicate, 3, 0, 0, false);
    private static readonly Durability Arbiter = new(DurabilityType.Replicate, 3, 0, 0, true);

    private readonly BrickAllocator allocator = new(AllocationLimits.Default);

    private static CandidateDevice Device(string id, int node, long freeGiB = 100, params (string Key, string Value)[] tags) =>
        new(id, "n" + node, node, freeGiB * GiB, Extent, tags.Length == 0 ? null : tags.ToDictionary(t => t.Key, t => t.Value));

    [Theory]
    [InlineData("disk=ssd", new[] { "a1", "b1", "c1" })]
    [InlineData("disk!=ssd", new[] { "a2", "b2", "c2" })]
    public void Allocate_WithTagMatch_UsesOnlyMatchingDevices(string match, string[] expected)
    {
        var devices = new[]
        {
            Device("a1", 1, 10, ("disk", "ssd")), Device("a2", 1, 100),
            Device("b1", 2, 10, ("disk", "ssd")), Device("b2", 2, 100, ("disk", "hdd")),
            Device("c1", 3, 10, ("disk", "ssd")), Device("c2", 3, 100),
        };

        var plans = allocator.Allocate(devices, new PlacementRequest(5 * GiB, Replica3, 1f, DeviceTagMatch: TagMatch.Parse(match)));

        Assert.Equal(expected.Order(StringComparer.Ordinal), plans.Select(p => p.DeviceId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Allocate_TagMatchOnAMissingTag_ComparesAsEmpty()
    {
        var devices = new[] { Device("a", 1), Device("b", 2), Device("c", 3, 100, ("rack", "r9")) };

        var ex = Assert.Throws<AploException>(() =>
            allocator.Allocate(devices, new PlacementRequest(GiB, Replica3, 1f, DeviceTagMatch: TagMatch.Parse("rack=r9"))));
        Assert.Equal(ErrorKind.NoSpace, ex.Kind);
        Assert.Contains("distinct nodes", ex.Message, StringComparison.Ordinal);

        var plans = allocator.Allocate(devices, new PlacementRequest(GiB, Replica3 with { Replica = 2 }, 1f, DeviceTagMatch: TagMatch.Parse("rack!=r9")));
        Assert.Equal(["a", "b"], plans.Select(p => p.DeviceId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Allocate_WhenNoDeviceMatches_SaysWhichMatchFailed()
    {
        var devices = new[] { Device("a", 1), Device("b", 2), Device("c", 3) };
        var ex = Assert.Throws<AploException>(() =>
            allocator.Allocate(devices, new PlacementRequest(GiB, Replica3, 1f, DeviceTagMatch: TagMatch.Parse("disk=nvme"))));
        Assert.Equal(ErrorKind.NoSpace, ex.Kind);
        Assert.Equal("No space: no online device matches user.heketi.device-tag-match disk=nvme", ex.Message);
    }

    [Theory]
    [InlineData("disk")]
    [InlineData("disk==ssd")]
    [InlineData("=ssd")]
    [InlineData("disk=ss d")]
    [InlineData("disk=ssd\n")]
    public void TagMatchParse_Malformed_IsAValidationError(string text)
    {
        var ex = Assert.Throws<AploException>(() => TagMatch.Parse(text));
        Assert.Equal(ErrorKind.Validation, ex.Kind);
    }

    [Fact]
    public void Allocate_ArbiterRequiredDevices_TakeOnlyTheArbiterBrick()
    {
        var devices = new[]
        {
            Device("a", 1, 100), Device("b", 2, 100),
            Device("arb", 3, 2, ("arbiter", "required")), Device("c", 4, 100),
        };

        var plans = allocator.Allocate(devices, new PlacementRequest(10 * GiB, Arbiter, 1f));

        Assert.Equal("arb", plans.Single(p => p.Role == BrickRole.Arbiter).DeviceId);
        Assert.DoesNotContain(plans.Where(p => p.Role == BrickRole.Data), p => p.DeviceId == "arb");

        // Without an arbiter in the volume, a required-arbiter device takes nothing.
        var plain = allocator.Allocate(devices, new PlacementRequest(1 * GiB, Replica3, 1f));
        Assert.DoesNotContain(plain, p => p.DeviceId == "arb");
    }

    [Fact]
    public void Allocate_ArbiterDisabledDevices_NeverTakeTheArbiterBrick()
    {
        var devices = new[]
        {
            Device("a", 1, 100, ("arbiter", "disabled")), Device("b", 2, 100, ("arbiter", "disabled")),
            Device("c", 3, 100),
        };

        var plans = allocator.Allocate(devices, new PlacementRequest(10 * GiB, Arbiter, 1f));

        Assert.Equal("c", plans.Single(p => p.Role == BrickRole.Arbiter).DeviceId);
    }

    [Fact]
    public void Allocate_WhenEveryDeviceDisablesArbiters_SaysSo()
    {
        var devices = new[]
        {
            Device("a", 1, 100, ("arbiter", "disabled")), Device("b", 2, 100, ("arbiter", "disabled")),
            Device("c", 3, 100, ("arbiter", "disabled")),
        };

        var ex = Assert.Throws<AploException>(() => allocator.Allocate(devices, new PlacementRequest(10 * GiB, Arbiter, 1f)));
        Assert.Contains("arbiter tag 'disabled'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Allocate_Arbiter_GoesToTheTightestDeviceThatFits()
    {
        var devices = new[] { Device("a", 1, 50), Device("b", 2, 40), Device("c", 3, 30), Device("d", 4, 2) };

        var plans = allocator.Allocate(devices, new PlacementRequest(20 * GiB, Arbiter, 1f));

        Assert.Equal("d", plans.Single(p => p.Role == BrickRole.Arbiter).DeviceId);
        Assert.Equal(["a", "b"], plans.Where(p => p.Role == BrickRole.Data).Select(p => p.DeviceId).Order(StringComparer.Ordinal));
        Assert.Equal([0, 1, 2], plans.Select(p => p.Position));
    }
}
