using Aplo.Core.Errors;
using Aplo.Core.Operations;

namespace Aplo.Core.Tests.Operations;

public sealed class TagRulesTests
{
    private static readonly Dictionary<string, string> Current = new() { ["rack"] = "r1", ["ssd"] = "yes" };

    [Fact]
    public void Apply_Set_ReplacesAllTags()
    {
        var result = TagRules.Apply(Current, new Dictionary<string, string> { ["zone"] = "east" }, TagChange.Set);
        Assert.Equal(new Dictionary<string, string> { ["zone"] = "east" }, result);
    }

    [Fact]
    public void Apply_SetWithNothing_ClearsTheTags()
    {
        Assert.Empty(TagRules.Apply(Current, new Dictionary<string, string>(), TagChange.Set));
    }

    [Fact]
    public void Apply_Update_MergesAndOverwrites()
    {
        var result = TagRules.Apply(Current, new Dictionary<string, string> { ["ssd"] = "no", ["zone"] = "east" }, TagChange.Update);
        Assert.Equal(new Dictionary<string, string> { ["rack"] = "r1", ["ssd"] = "no", ["zone"] = "east" }, result);
    }

    [Fact]
    public void Apply_Delete_RemovesTheNamedKeysWhateverTheirValue()
    {
        var result = TagRules.Apply(Current, new Dictionary<string, string> { ["ssd"] = string.Empty, ["absent"] = "x" }, TagChange.Delete);
        Assert.Equal(new Dictionary<string, string> { ["rack"] = "r1" }, result);
    }

    [Fact]
    public void Apply_DoesNotChangeTheCurrentTags()
    {
        var current = new Dictionary<string, string>(Current);
        TagRules.Apply(current, new Dictionary<string, string> { ["rack"] = "r9" }, TagChange.Update);
        TagRules.Apply(current, new Dictionary<string, string> { ["rack"] = string.Empty }, TagChange.Delete);
        Assert.Equal(Current, current);
    }

    [Fact]
    public void Apply_UpdatePast32Tags_ThrowsValidation()
    {
        var current = Enumerable.Range(0, 30).ToDictionary(i => "a" + i, _ => "v");
        var change = Enumerable.Range(0, 3).ToDictionary(i => "b" + i, _ => "v");
        var ex = Assert.Throws<AploException>(() => TagRules.Apply(current, change, TagChange.Update));
        Assert.Equal(ErrorKind.Validation, ex.Kind);
    }

    [Fact]
    public void Apply_UpdateReachingExactly32Tags_IsAccepted()
    {
        var current = Enumerable.Range(0, 30).ToDictionary(i => "a" + i, _ => "v");
        var change = Enumerable.Range(0, 2).ToDictionary(i => "b" + i, _ => "v");
        Assert.Equal(32, TagRules.Apply(current, change, TagChange.Update).Count);
    }

    [Fact]
    public void Apply_InvalidKeyInChange_ThrowsValidation()
    {
        var ex = Assert.Throws<AploException>(() => TagRules.Apply(Current, new Dictionary<string, string> { ["bad key"] = "v" }, TagChange.Update));
        Assert.Equal(ErrorKind.Validation, ex.Kind);
    }

    [Fact]
    public void Apply_Result_IsOrderedByKey()
    {
        var result = TagRules.Apply(new Dictionary<string, string>(), new Dictionary<string, string> { ["b"] = "2", ["a"] = "1", ["C"] = "3" }, TagChange.Set);
        Assert.Equal(["C", "a", "b"], result.Keys);
    }

    [Theory]
    [InlineData("set", TagChange.Set)]
    [InlineData("update", TagChange.Update)]
    [InlineData("delete", TagChange.Delete)]
    public void ParseKind_Known_Parses(string kind, TagChange expected)
    {
        Assert.Equal(expected, TagRules.ParseKind(kind));
    }

    [Theory]
    [InlineData("Set")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("merge")]
    public void ParseKind_Unknown_ThrowsValidation(string? kind)
    {
        var ex = Assert.Throws<AploException>(() => TagRules.ParseKind(kind));
        Assert.Equal(ErrorKind.Validation, ex.Kind);
        Assert.StartsWith("validation failed: change_type", ex.Message, StringComparison.Ordinal);
    }
}
