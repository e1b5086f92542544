namespace Forwarder.Lab.Tests;

/// <summary>Where the repository and this build's forwarder are.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>The forwarder built with these tests (the project reference copies it beside them).</summary>
    public static string ForwarderDll => Path.Combine(TestContext.CurrentContext.TestDirectory, "forwarder.dll");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Forwarder.sln")))
            {
                return directory.FullName;
            }
        }
        throw new DirectoryNotFoundException("Forwarder.sln not found above the test directory");
    }
}
