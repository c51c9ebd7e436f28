namespace Aplo.Core.Operations;

/// <summary>
/// Caps the operations in flight at <c>max_inflight_operations</c>, as Heketi's OpTracker does; past the cap
/// the request is refused with 429 rather than queued, so clients back off.
/// </summary>
public sealed class OperationThrottle(int limit)
{
    private int inFlight;
    private long total;

    public int Limit { get; } = limit;

    public int InFlight => Volatile.Read(ref inFlight);

    /// <summary>Operations admitted since start.</summary>
    public long Total => Interlocked.Read(ref total);

    public bool TryEnter()
    {
        while (true)
        {
            var current = Volatile.Read(ref inFlight);
            if (Limit > 0 && current >= Limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref inFlight, current + 1, current) == current)
            {
                Interlocked.Increment(ref total);
                return true;
            }
        }
    }

    public void Exit() => Interlocked.Decrement(ref inFlight);
}
