using System.Buffers;
using System.IO.Pipelines;

namespace Aplo.Server.Http;

/// <summary>
/// GET /topology's answer for one model version, as the cached pieces it is stitched from: written to the response
/// one piece after another, so no 24 MiB copy of the whole answer is ever made.
/// </summary>
internal sealed record TopologyBody(long Version, IReadOnlyList<ReadOnlyMemory<byte>> Segments, long Length)
{
    // Hand the pipe about this much at a time: large enough to keep the socket busy, small enough not to buffer it all.
    private const int FlushBytes = 256 * 1024;

    public async Task WriteToAsync(PipeWriter writer, CancellationToken cancellationToken)
    {
        long unflushed = 0;
        foreach (var segment in Segments)
        {
            writer.Write(segment.Span);
            unflushed += segment.Length;
            if (unflushed >= FlushBytes)
            {
                unflushed = 0;
                var flushed = await writer.FlushAsync(cancellationToken);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    return;
                }
            }
        }

        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>The whole answer in one array: for tests and small topologies, not for the response path.</summary>
    public byte[] ToArray()
    {
        var all = new byte[Length];
        var at = 0;
        foreach (var segment in Segments)
        {
            segment.Span.CopyTo(all.AsSpan(at));
            at += segment.Length;
        }

        return all;
    }
}
