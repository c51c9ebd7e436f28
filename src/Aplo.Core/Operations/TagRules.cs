using Aplo.Core.Errors;
using Aplo.Core.Validation;

namespace Aplo.Core.Operations;

/// <summary>Applies a tags change request to a tag map.</summary>
public static class TagRules
{
    public static SortedDictionary<string, string> Apply(
        IReadOnlyDictionary<string, string> current, IReadOnlyDictionary<string, string> change, TagChange kind)
    {
        Rules.Tags(change);
        var result = kind == TagChange.Set
            ? new SortedDictionary<string, string>(StringComparer.Ordinal)
            : new SortedDictionary<string, string>(current.ToDictionary(), StringComparer.Ordinal);
        foreach (var (key, value) in change)
        {
            if (kind == TagChange.Delete)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = value;
            }
        }

        if (result.Count > Rules.MaxTags)
        {
            throw AploException.Invalid($"tags: at most {Rules.MaxTags} tags are allowed");
        }

        return result;
    }

    public static TagChange ParseKind(string? kind) => kind switch
    {
        "set" => TagChange.Set,
        "update" => TagChange.Update,
        "delete" => TagChange.Delete,
        _ => throw AploException.Invalid($"change_type: '{kind}' is not one of set, update, delete"),
    };
}
