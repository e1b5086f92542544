namespace Forwarder.Replay.Tests;

/// <summary>Finds the repository's folders from wherever the test host runs.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Captures => Path.Combine(Root, "captures");

    public static string Scenario(string name) => Path.Combine(Captures, name);

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
