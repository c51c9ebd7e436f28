namespace Aplo.Core.Operations;

/// <summary>How an asynchronous operation ended, in the terms of Heketi's queue.</summary>
public abstract record OperationOutcome
{
    /// <summary>Done, and the result is a resource at <see cref="Location"/> (303).</summary>
    public sealed record Created(string Location) : OperationOutcome;

    /// <summary>Done, nothing to show (204).</summary>
    public sealed record Done : OperationOutcome;

    /// <summary>Failed with an operator-readable message (500).</summary>
    public sealed record Failed(string Message) : OperationOutcome;

    public static readonly OperationOutcome Completed = new Done();
}
