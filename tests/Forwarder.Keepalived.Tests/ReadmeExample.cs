namespace Forwarder.Keepalived.Tests;

/// <summary>The keepalived.conf the README shows, as it stands there: the tests hold it to "works as it is".</summary>
public static class ReadmeExample
{
    public const string FirstLine = "! keepalived.conf for Forwarder";

    public static string KeepalivedConf()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            var readme = Path.Combine(directory.FullName, "README.md");
            if (File.Exists(Path.Combine(directory.FullName, "Forwarder.sln")) && File.Exists(readme))
            {
                var text = File.ReadAllText(readme);
                var start = text.IndexOf(FirstLine, StringComparison.Ordinal);
                Assert.That(start, Is.GreaterThanOrEqualTo(0), "the README shows a keepalived.conf");
                var end = text.IndexOf("\n```", start, StringComparison.Ordinal);
                return text[start..(end + 1)];
            }
        }
        throw new DirectoryNotFoundException("README.md not found above the test directory");
    }
}
