using Aplo.Core.Allocation;

namespace Aplo.Core.Tests;

/// <summary>House style §6.2: Core is pure and references no web, database, SSH or Kubernetes package.</summary>
public sealed class CoreDependencyTests
{
    [Theory]
    [InlineData("Microsoft.AspNetCore")]
    [InlineData("Microsoft.Data.Sqlite")]
    [InlineData("SQLitePCL")]
    [InlineData("Renci.SshNet")]
    [InlineData("KubernetesClient")]
    [InlineData("k8s")]
    [InlineData("Aplo.Server")]
    [InlineData("Aplo.Storage")]
    [InlineData("Aplo.Executors")]
    public void ReferencedAssemblies_OfCore_IncludeNoInfrastructure(string prefix)
    {
        var references = typeof(BrickAllocator).Assembly.GetReferencedAssemblies().Select(a => a.Name!);
        Assert.DoesNotContain(references, name => name.StartsWith(prefix, StringComparison.Ordinal));
    }
}
