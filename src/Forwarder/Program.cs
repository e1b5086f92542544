using CommandLine;
using Forwarder.Commands;

namespace Forwarder;

/// <summary>The <c>forwarder</c> executable: <c>replay</c> now; the live director and <c>ipvsadm</c> join it.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        using var parser = new Parser(settings =>
        {
            settings.CaseSensitive = true;
            settings.HelpWriter = Console.Error;
            settings.AllowMultiInstance = true;
        });
        return parser.ParseArguments(args, typeof(ReplayOptions))
            .MapResult(
                (ReplayOptions options) => ReplayCommand.Run(options, Console.Out, Console.Error),
                _ => 2);
    }
}
