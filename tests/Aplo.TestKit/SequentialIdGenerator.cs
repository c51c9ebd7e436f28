using Aplo.Core.Operations;

namespace Aplo.TestKit;

/// <summary>Ids 00…01, 00…02, … in creation order, so output that shows ids can be compared with a golden file.</summary>
public sealed class SequentialIdGenerator : IIdGenerator
{
    private long next;

    public string NewId() => Interlocked.Increment(ref next).ToString("x32", System.Globalization.CultureInfo.InvariantCulture);
}
