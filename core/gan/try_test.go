package gan
import ("testing";"github.com/klplayground/klplay/core/divergence")
func BenchmarkComputeNormal(b *testing.B){
 for i:=0;i<b.N;i++ { Compute(Request{Shape:"normal",Theta:1.3+float64(i%10)*0.01,Names:divergence.FDivergenceNames(),Alpha:0.5}) }
}
func BenchmarkComputeTri(b *testing.B){
 for i:=0;i<b.N;i++ { Compute(Request{Shape:"triangular",Theta:1.3+float64(i%10)*0.01,Names:divergence.FDivergenceNames(),Alpha:0.5}) }
}
