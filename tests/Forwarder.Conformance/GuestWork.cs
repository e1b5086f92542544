namespace Forwarder.Conformance;

/// <summary>The one temporary folder the guest's job and results live in, removed when the test run ends.</summary>
[SetUpFixture]
public sealed class GuestWork
{
    private static readonly Lazy<DirectoryInfo> Created = new(() => System.IO.Directory.CreateTempSubdirectory("forwarder-conformance-"));

    public static DirectoryInfo Directory => Created.Value;

    [OneTimeTearDown]
    public void RemoveIt()
    {
        if (Created.IsValueCreated && Created.Value.Exists)
        {
            Created.Value.Delete(recursive: true);
        }
    }
}
