using CommandLine;
using Forwarder.Commands;

namespace Forwarder;

/// <summary>The <c>forwarder</c> executable: <c>replay</c> captures, <c>run</c> the live director.</summary>
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
        return parser.ParseArguments(args, typeof(ReplayOptions), typeof(RunOptions))
            .MapResult(
                (ReplayOptions options) => ReplayCommand.Run(options, Console.Out, Console.Error),
                (RunOptions options) => RunCommand.Run(options, Console.Out, Console.Error),
                _ => 2);
    }
}
