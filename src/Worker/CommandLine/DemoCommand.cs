using System.CommandLine;

namespace Reporting.Worker.CommandLine;

internal static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command("demo", "Generate demo data into a folder, load it into a store there, and produce every report");
        return command;
    }
}
