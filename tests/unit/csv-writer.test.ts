import { describe, expect, it } from "vitest";
import { defuseFormula, toCsv } from "@/lib/csv";

describe("toCsv, the one CSV writer for downloads", () => {
  it("quotes per RFC 4180 with CRLF line ends and a header", () => {
    expect(toCsv(["a", "b"], [["x,y", 'say "hi"'], ["line\nbreak", null]])).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",\r\n');
  });

  it("defuses every formula start but keeps plain numbers as numbers", () => {
    const csv = toCsv(
      ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"],
      [['=HYPERLINK("http://evil","x")', "+1+2", "-2+3", "@SUM(A1)", "\tx", -12.5, "-12.50", 12n]],
    );
    expect(csv.split("\r\n")[1]).toBe(`"'=HYPERLINK(""http://evil"",""x"")",'+1+2,'-2+3,'@SUM(A1),'\tx,-12.5,-12.50,12`);
  });

  it("refuses a row whose length differs from the header", () => {
    expect(() => toCsv(["a", "b"], [["only one"]])).toThrow(RangeError);
  });

  it("defuseFormula leaves ordinary text alone", () => {
    expect(defuseFormula("Ivanov")).toBe("Ivanov");
    expect(defuseFormula("=1")).toBe("'=1");
    expect(defuseFormula("\r=1")).toBe("'\r=1");
  });
});
