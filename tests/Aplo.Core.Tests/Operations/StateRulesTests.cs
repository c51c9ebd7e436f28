using Aplo.Core.Errors;
using Aplo.Core.Operations;
using Aplo.Core.Topology;

namespace Aplo.Core.Tests.Operations;

/// <summary>
/// Reference §1.5: online↔offline is free; failed only from offline; failed→online never; a failed node may not
/// go back to offline but a failed device may.
/// </summary>
public sealed class StateRulesTests
{
    public static TheoryData<EntityState, EntityState, bool, bool> Transitions()
    {
        var data = new TheoryData<EntityState, EntityState, bool, bool>();
        foreach (var isNode in new[] { true, false })
        {
            foreach (var from in Enum.GetValues<EntityState>())
            {
                foreach (var to in Enum.GetValues<EntityState>())
                {
                    var allowed = from == to
                        || (from, to) is (EntityState.Online, EntityState.Offline) or (EntityState.Offline, EntityState.Online)
                            or (EntityState.Offline, EntityState.Failed)
                        || ((from, to) is (EntityState.Failed, EntityState.Offline) && !isNode);
                    data.Add(from, to, isNode, allowed);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Transitions))]
    public void Check_Transition_FollowsHeketisStateMachine(EntityState from, EntityState to, bool isNode, bool allowed)
    {
        var ex = Record.Exception(() => StateRules.Check(from, to, isNode));

        if (allowed)
        {
            Assert.Null(ex);
        }
        else
        {
            var refusal = Assert.IsType<AploException>(ex);
            Assert.Equal(ErrorKind.Conflict, refusal.Kind);
            Assert.StartsWith(isNode ? "Node" : "Device", refusal.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Check_OnlineToFailed_SaysItMustBeOfflineFirst()
    {
        var ex = Assert.Throws<AploException>(() => StateRules.Check(EntityState.Online, EntityState.Failed, isNode: false));
        Assert.Contains("must be offline", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("online", EntityState.Online)]
    [InlineData("offline", EntityState.Offline)]
    [InlineData("failed", EntityState.Failed)]
    public void ParseAndToWire_KnownState_RoundTrips(string wire, EntityState state)
    {
        Assert.Equal(state, StateRules.Parse(wire));
        Assert.Equal(wire, StateRules.ToWire(state));
    }

    [Theory]
    [InlineData("Online")]
    [InlineData("ONLINE")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("removed")]
    public void Parse_UnknownState_ThrowsValidation(string? wire)
    {
        var ex = Assert.Throws<AploException>(() => StateRules.Parse(wire));
        Assert.Equal(ErrorKind.Validation, ex.Kind);
    }
}
